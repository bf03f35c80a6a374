// What the audit service's consumer and storage agree on, stated in the domain so the consumer never
// depends on data-access.

/** A fact newly appended to the chain (its entry id and hash), or one the chain already holds. */
export type AppendResult = { appended: true; id: number; hash: string } | { appended: false };
