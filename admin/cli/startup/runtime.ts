// What bin/salvo knows about the running CLI and hands to main(): read by the commands.
export interface Runtime {
  /**
   * Identifies this build of the CLI (the bundle's size and mtime), when it runs from the bundle
   * with caches on. Commands then keep parsed services files between runs (inventory-cache.ts).
   */
  codeId?: string;
}

export const runtime: Runtime = {};
