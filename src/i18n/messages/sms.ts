import { defineMessages } from '../area.ts';

// Text messages (src/sms/texts.ts). Each must fit two segments under the mainland rule
// (70 characters, 67 per part, the 【signature】 included) with a long office name and a short
// link: test/unit/sms-texts.test.ts checks every one. The provider's approved template holds
// the same wording with the parameters in {braces}.
export const smsMessages = defineMessages({
  'zh-CN': {
    'sms.confirmation':
      '预约成功：编号{reference}，{time}，{office}。请双方本人带身份证件按时到场。查询改约：{link}',
    'sms.reminder_day_before':
      '预约提醒：婚姻登记{time}，{office}，编号{reference}。请双方带身份证件到场，不能前来请取消：{link}',
    'sms.reminder_same_day':
      '今日提醒：婚姻登记{time}，{office}，编号{reference}。请双方带身份证件按时到场。查询：{link}',
    'sms.cancelled': '您{time}在{office}的婚姻登记预约（编号{reference}）已取消。重新预约：{link}',
    'sms.moved': '您的预约（编号{reference}）已由{previous}改至{time}，{office}。查询：{link}',
    'sms.office_closed':
      '重要：{office}{date}临时闭馆，您的预约（编号{reference}）当天无法办理，请改约：{link}',
    'sms.office_reopened': '{office}已恢复办公，闭馆通知作废。您的预约（编号{reference}）照常：{time}。',
    'sms.ceremony_seated':
      '集体颁证仪式席位已确认：{time}，{office}{hall}。请先按预约完成登记。编号{reference}，详情：{link}',
    'sms.ceremony_waitlisted':
      '集体颁证仪式暂无空位，您在候补第{position}位，有空位会通知您。{office}，编号{reference}。',
    'sms.ceremony_offer':
      '仪式空出席位已为您保留（{time}，{office}），请于{deadline}前确认：{link} 编号{reference}',
    'sms.ceremony_offer_lapsed':
      '集体颁证仪式席位确认已过期，已让给下一位候补。您在{office}的登记预约（编号{reference}）不受影响。',
    'sms.ceremony_changed':
      '集体颁证仪式改为{time}，{office}{hall}。请先按预约完成登记。编号{reference}，详情：{link}',
    'sms.ceremony_cancelled':
      '很抱歉，{time}在{office}的集体颁证仪式已取消，您的登记预约（编号{reference}）不受影响。',
    'sms.lottery_won':
      '中签通知：您获得{time}{office}的登记名额，请于{deadline}前确认：{link} 编号{reference}',
    'sms.lottery_offer':
      '名额顺延：{time}{office}的登记名额轮到您，请于{deadline}前确认：{link} 编号{reference}',
    'sms.lottery_not_drawn':
      '抽签结果：{office}{date}本次未中签，您仍按抽签顺序候补。编号{reference}，详情：{link}',
    'sms.verification_code': '验证码{code}，{minutes}分钟内有效，仅用于婚姻登记预约，请勿告诉他人。',
  },
  en: {
    'sms.confirmation': 'Booked {reference}: {time}, {office}. Both bring ID. {link}',
    'sms.reminder_day_before': 'Reminder {reference}: {time}, {office}. Both bring ID. {link}',
    'sms.reminder_same_day': 'Today {reference}: {time}, {office}. Both bring ID. {link}',
    'sms.cancelled': 'Cancelled {reference}: {time}, {office}. Book again: {link}',
    'sms.moved': 'Moved {reference}: {time} (was {previous}), {office}. {link}',
    'sms.office_closed': '{office} closed {date}: {reference} cannot go ahead. Move it: {link}',
    'sms.office_reopened': '{office} is open again: booking {reference} stands, {time}.',
    'sms.ceremony_seated': 'Ceremony seat {reference}: {time}, {hall}, {office}. {link}',
    'sms.ceremony_waitlisted':
      'Ceremony full: {reference} is number {position} on the waiting list, {office}.',
    'sms.ceremony_offer': 'Ceremony seat {reference}: {time}, {office}. Confirm by {deadline}: {link}',
    'sms.ceremony_offer_lapsed':
      'The ceremony seat offer for {reference} lapsed; your booking at {office} stands.',
    'sms.ceremony_changed': 'Ceremony changed {reference}: {time}, {hall}, {office}. {link}',
    'sms.ceremony_cancelled': 'The ceremony of {time}, {office} is cancelled; booking {reference} stands.',
    'sms.lottery_won': 'You won {reference}: {time}, {office}. Confirm by {deadline}: {link}',
    'sms.lottery_offer': 'Place for {reference}: {time}, {office}. Confirm by {deadline}: {link}',
    'sms.lottery_not_drawn': 'Draw {date}, {office}: {reference} not drawn, still in line. {link}',
    'sms.verification_code': 'Your code is {code}, valid {minutes} min. Never share it.',
  },
});
