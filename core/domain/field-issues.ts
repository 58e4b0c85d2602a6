// The zod-issue → {field, message} mapping lives in contracts/ so the web app words its
// client-side messages exactly as the API does; the domain keeps importing it from here.
export { PARSE_OPTIONS, toFieldIssues } from '../../contracts/field-issues.js';
