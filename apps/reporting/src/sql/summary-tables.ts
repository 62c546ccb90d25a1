/** The summary tables the refresh recomputes, in the order it fills them (players first: the namespace counts are read from it). */
export const SUMMARY_TABLES = ['reporting_players', 'reporting_namespace_players', 'reporting_goal_counts', 'reporting_daily_counts'] as const;
export type SummaryTable = (typeof SUMMARY_TABLES)[number];
