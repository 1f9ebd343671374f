export { CaseActions, type NoteView } from './case-actions';
export { answerColumns, csvCell, exportRequests, type ExportFormat } from './export';
export {
  Inbox,
  cursorAt,
  filterSql,
  orderSql,
  type DeskService,
  type DeskServiceView,
  type InboxItem,
  type InboxPage,
} from './inbox';
export { MAX_COLUMNS, MAX_LIMIT, TABS, encodeCursor, parseInboxQuery, type InboxFilter, type Tab } from './inbox-query';
export { deskActorOf, locate, scopeFor, type DeskActor, type DeskGrant, type Located, type Scope } from './access';
