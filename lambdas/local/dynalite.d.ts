/** The part of `dynalite` (CommonJS, untyped) that the embedded stack uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when omitted. */
    path?: string;
    /** How long a table stays CREATING. @default 500 */
    createTableMs?: number;
    /** @default 500 */
    deleteTableMs?: number;
    /** @default 500 */
    updateTableMs?: number;
    /** @default 400 */
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
  }

  /** An HTTP server speaking the DynamoDB API; `close` also closes the LevelDB store. */
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
