export declare const SIMULATOR_PACKAGE: string;
export declare const SIMULATOR_VERSION: string;

export declare function wavechatCacheDir(env?: NodeJS.ProcessEnv): string;

export interface DynamoDbLocalPaths {
  /** `<cache>/dynamodb-local/<simulator version>`; also holds the compiled loopback shim (loopback-shim.mjs). */
  readonly installDir: string;
  /** Holds `DynamoDBLocal.jar`, `DynamoDBLocal_lib/` and the licence texts. */
  readonly emulatorDir: string;
  readonly jarPath: string;
  /** Native sqlite4java libraries; passed as `-Djava.library.path`. */
  readonly libraryDir: string;
  /** Present only once an extraction finished. */
  readonly completeMarkerPath: string;
}

export declare function dynamoDbLocalPaths(env?: NodeJS.ProcessEnv): DynamoDbLocalPaths;

export declare function dynamoDbLocalPathsIn(installDir: string): DynamoDbLocalPaths;
