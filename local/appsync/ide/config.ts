/** What the IDE page is told about the endpoint it runs against (embedded in the page as JSON). */
export interface IdeConfig {
  /** The API's name, shown in the title. */
  readonly apiName: string;
  /** Where queries and mutations are POSTed, e.g. `/graphql` (same origin as the page). */
  readonly graphqlPath: string;
  /** Where subscriptions connect, e.g. `/graphql/realtime` (same origin, ws:// or wss:// as the page). */
  readonly realtimePath: string;
  /** The user pool to sign in with (InitiateAuth USER_PASSWORD_AUTH), when the API has one. */
  readonly userPool: IdeUserPool | null;
}

export interface IdeUserPool {
  /** e.g. `http://127.0.0.1:9229` */
  readonly endpoint: string;
  readonly clientId: string;
}
