import { defineMessages } from '../area.ts';

// The retention of personal data: what a page shows in place of what was erased, and the
// staff console's page of the policy.
export const privacyMessages = defineMessages({
  'zh-CN': {
    'privacy.erased': '已按规定删除个人信息',
    'privacy.erased_note':
      '本记录的姓名、证件号码、电话和电子邮箱已按个人信息保存期限的规定删除；日期、状态等统计信息仍保留。',
    'privacy.nav': '个人信息保存',
    'privacy.title': '个人信息保存期限',
    'privacy.policy':
      '预约日期（或未获名额的摇号申请的摇号日期）过后 {days} 天，每晚自动删除当事人的姓名、证件号码、电话、电子邮箱和备注；统计所需的日期、登记处、时段、状态和部分隐藏的证件号码保留。',
    'privacy.days': '保存天数',
    'privacy.days_value': '{days} 天',
    'privacy.next_run': '下次执行',
    'privacy.not_scheduled': '未安排（后台任务已关闭：JOBS=off）',
    'privacy.last_run': '上次执行',
    'privacy.never_run': '尚未执行',
    'privacy.counts': '上次删除的记录数',
    'privacy.count.appointments': '预约',
    'privacy.count.lotteryApplications': '摇号申请',
    'privacy.count.personHolds': '一人一约占位（已删除）',
    'privacy.count.lotteryPersons': '摇号一人一申请记录（已删除）',
    'privacy.count.notifications': '消息记录',
    'privacy.count.outboxMessages': '开发发件箱消息',
    'privacy.count.verificationCodes': '过期验证码记录（已删除）',
    'privacy.audit_link': '每次执行的记录见审计日志',
    'staff.audit.action.retention.erase': '删除过期个人信息',
  },
  en: {
    'privacy.erased': 'Personal data erased under the retention policy',
    'privacy.erased_note':
      'The names, ID numbers, phones and e-mail address of this record were erased under the retention policy for personal data; its dates, status and other statistics are kept.',
    'privacy.nav': 'Data retention',
    'privacy.title': 'Retention of personal data',
    'privacy.policy':
      '{days} days after the appointment date (or after the lottery day, for applications that got no place), the names, ID numbers, phones, e-mail addresses and notes of the couple are erased each night; the date, office, slot, status and masked ID numbers that statistics need are kept.',
    'privacy.days': 'Kept for',
    'privacy.days_value': '{days} days',
    'privacy.next_run': 'Next run',
    'privacy.not_scheduled': 'Not scheduled (background jobs are off: JOBS=off)',
    'privacy.last_run': 'Last run',
    'privacy.never_run': 'Not run yet',
    'privacy.counts': 'Records erased by the last run',
    'privacy.count.appointments': 'Appointments',
    'privacy.count.lotteryApplications': 'Lottery applications',
    'privacy.count.personHolds': 'One-booking-per-person holds (deleted)',
    'privacy.count.lotteryPersons': 'One-application-per-person records (deleted)',
    'privacy.count.notifications': 'Message log entries',
    'privacy.count.outboxMessages': 'Development outbox messages',
    'privacy.count.verificationCodes': 'Expired verification-code records (deleted)',
    'privacy.audit_link': 'Every run is recorded in the audit log',
    'staff.audit.action.retention.erase': 'Expired personal data erased',
  },
});
