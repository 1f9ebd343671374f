export { CaseActions, type NoteView } from './case-actions';
export { answerColumns, csvCell, exportRequests, type ExportFormat } from './export';
export { Inbox, filterSql, orderSql, type DeskActor, type InboxItem, type InboxPage } from './inbox';
export { MAX_LIMIT, TABS, encodeCursor, parseInboxQuery, type InboxFilter, type Tab } from './inbox-query';
