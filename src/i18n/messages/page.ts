import { defineMessages } from '../area.ts';

/** What every page says about itself: its title, the skip link, the error summary of a form. */
export const pageMessages = defineMessages({
  'zh-CN': {
    'page.skip_to_main': '跳到主要内容',
    'page.error_prefix': '错误：',
    'page.office_title': '{month}预约日历',
    'page.error_summary': '提交未成功，请修改以下 {n} 处：',
    'peak.ahead_title': '即将到来的热门日子',
    'peak.first_come': '先到先得',
    'peak.open_now': '正在预约',
    'peak.lottery_opens': '{opensAt} 开始报名，{drawAt} 抽签',
    'peak.lottery_open': '报名中，{closesAt} 截止，{drawAt} 抽签',
    'peak.ceremony': '{start} {title}',
    'peak.zone_note': '以上均为登记处当地时间（{zone}）。',
    'daycell.opens': '开放于',
  },
  en: {
    'page.skip_to_main': 'Skip to main content',
    'page.error_prefix': 'Error: ',
    'page.office_title': 'Calendar, {month}',
    'page.error_summary': 'Not sent yet: please correct {n} thing(s) below:',
    'peak.ahead_title': 'Coming peak days',
    'peak.first_come': 'First come, first served',
    'peak.open_now': 'Booking is open now',
    'peak.lottery_opens': 'Applications open {opensAt}; draw {drawAt}',
    'peak.lottery_open': 'Applications open until {closesAt}; draw {drawAt}',
    'peak.ceremony': '{title} at {start}',
    'peak.zone_note': 'All times are the office’s local time ({zone}).',
    'daycell.opens': 'Opens',
  },
});
