export { buildServer, type BuildServerOptions, type ErrorBody } from './http/build-server.js';
export { startReportingServer, type StartReportingServerOptions, type RunningReportingServer } from './server/start-reporting-server.js';
export { openReportingDatabase, type ReportingDatabase, type ReportingDatabaseOptions } from './database/reporting-database.js';
export { ReportCatalogue, loadReportCatalogue, type ReportGoal } from './catalogue/report-catalogue.js';
export { refreshSummaries, type RefreshReport } from './refresh/refresh-summaries.js';
export { reportingUrlFor, REPORTING_ROLE } from './database/reporting-url.js';
export { ReportingError, InvalidParameterError, NotFoundError, ConfigError, REPORTING_ERROR_CODES, type ReportingErrorCode } from './errors/reporting-error.js';
export { csvField, csvChunks, type CsvColumn, type CsvValue } from './csv/csv-rows.js';
