/** The AWS account every local service claims to run in (as DynamoDB Local's stream ARNs do). */
export const LOCAL_ACCOUNT_ID = '000000000000';
