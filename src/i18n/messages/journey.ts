import { defineMessages } from '../area.ts';

// What the couple is told so that nothing is lost silently: a full slot's alternatives, a
// ceremony seat a move or a cancellation gives up, a lottery application held meanwhile.
export const journeyMessages = defineMessages({
  'zh-CN': {
    'alternatives.title': '可改选以下时段',
    'alternatives.lead': '您填写的信息已保留。点选一个时段即可直接提交预约，无需重新填写。',
    'alternatives.same_day': '当天',
    'alternatives.other_days': '其他日期',
    'alternatives.book': '预约 {date} {start}–{end}（余 {n}）',
    'alternatives.book_time': '预约 {start}–{end}（余 {n}）',
    'alternatives.none': '近期没有其他可预约的时段，请稍后再试或选择其他登记处。',
    'already_booked.lookup': '查询或管理已有预约',
    'seat.move_keeps': '改到此时段仍可参加集体颁证仪式，座位保留。',
    'seat.move_loses': '改到此时段将放弃集体颁证仪式的座位（登记需在仪式前完成）。',
    'seat.move_confirm': '我知道改约后将放弃颁证仪式座位',
    'seat.move_confirm_needed': '改到该时段将放弃集体颁证仪式的座位，请勾选确认后再提交。',
    'seat.cancel_loses': '您已报名集体颁证仪式：取消预约将同时放弃仪式座位。',
    'seat.api_confirm_needed':
      '该改约将放弃集体颁证仪式的座位；如确认放弃，请在请求中附带 giveUpCeremony: true。',
    'cancelled.book_again': '重新预约',
    'held_lottery.title': '您还持有抽签申请',
    'held_lottery.text':
      '{date} 的抽签申请（编号 {reference}）仍在等待抽签。抽签时若任一方持有其他有效预约（如本预约），即使中签也会被跳过。如不再需要，可撤回该申请。',
    'held_lottery.withdraw': '撤回抽签申请 {reference}',
    'held_lottery.withdraw_confirm': '确定撤回此抽签申请吗？',
    'lottery_status.private_link': '本页私人链接（请保存）',
    'lottery_status.passed_over_note':
      '请注意：抽签时若任一方已持有其他有效预约，即使中签也会被跳过，名额顺延给下一位申请人。',
    'lottery_status.holds_booking':
      '您目前已持有 {date} 的有效预约。如保留该预约，本次抽签即使中签也会被跳过；可撤回本申请，或先取消原预约。',
  },
  en: {
    'alternatives.title': 'Choose another slot',
    'alternatives.lead':
      'Everything you typed is kept. Tap a slot to book it at once, with nothing to type again.',
    'alternatives.same_day': 'Same day',
    'alternatives.other_days': 'Other days',
    'alternatives.book': 'Book {date} {start}–{end} ({n} left)',
    'alternatives.book_time': 'Book {start}–{end} ({n} left)',
    'alternatives.none': 'No other slot is open soon. Please try again later or choose another office.',
    'already_booked.lookup': 'Find or manage the existing booking',
    'seat.move_keeps': 'Your ceremony seat is kept at this time.',
    'seat.move_loses':
      'Moving to this time gives up your ceremony seat (registration must be done before the ceremony).',
    'seat.move_confirm': 'I understand this gives up our ceremony seat',
    'seat.move_confirm_needed':
      'Moving to that slot gives up your ceremony seat: tick the box to confirm, then send again.',
    'seat.cancel_loses': 'You have signed up for the group ceremony: cancelling also gives up your seat.',
    'seat.api_confirm_needed':
      'This move gives up the ceremony seat; send giveUpCeremony: true to confirm giving it up.',
    'cancelled.book_again': 'Book again',
    'held_lottery.title': 'You still hold a lottery application',
    'held_lottery.text':
      'Your lottery application for {date} (reference {reference}) is waiting for its draw. A winner holding another active booking (such as this one) at the draw is passed over. If you no longer need it, withdraw it.',
    'held_lottery.withdraw': 'Withdraw lottery application {reference}',
    'held_lottery.withdraw_confirm': 'Withdraw this lottery application?',
    'lottery_status.private_link': 'The private link of this page (keep it)',
    'lottery_status.passed_over_note':
      'Please note: a winner who holds another active booking at the draw is passed over, and the place goes to the next applicant.',
    'lottery_status.holds_booking':
      'You already hold an active booking on {date}. While you keep it, this application is passed over even if drawn: withdraw it, or cancel that booking first.',
  },
});
