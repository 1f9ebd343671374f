/**
 * The desk's views are the API's, from @guichet/shared; these old names stay
 * only while the case view's split into components lands. Import from
 * @guichet/shared in new code.
 */
export { TABS } from '@guichet/shared';
export type {
  BatchResult,
  CaseAction,
  CaseEvent,
  CaseView as CaseFile,
  DeskService,
  DeskServiceView,
  DeskTransition,
  InboxItem,
  InboxPage,
  Tab,
  TabCounts as Counts,
} from '@guichet/shared';
