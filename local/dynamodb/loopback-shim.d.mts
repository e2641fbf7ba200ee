/** Name of the shim's main class (and of its source file, without `.java`). */
export declare const LOOPBACK_SHIM_CLASS: string;

export interface LoopbackShimPaths {
  /** `local/dynamodb/LoopbackDynamoDbLocal.java`; run directly in Java's source-file mode when not compiled. */
  readonly sourcePath: string;
  /** `<installDir>/loopback-shim-<hash of the source and javac options>`: the class path entry for the shim. */
  readonly classDir: string;
  /** Present only once a compilation finished. */
  readonly classFile: string;
}

export declare function loopbackShimPaths(installDir: string): LoopbackShimPaths;

export declare function findJavac(env?: NodeJS.ProcessEnv): string | undefined;

export type LoopbackShimCompilation = { readonly compiled: true } | { readonly compiled: false; readonly reason: string };

export declare function compileLoopbackShim(options: {
  readonly javac: string;
  readonly jarPath: string;
  readonly classDir: string;
}): Promise<LoopbackShimCompilation>;
