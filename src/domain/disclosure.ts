/** The disclosure-control module lives in ./disclosure/; this path is kept for existing imports. */
export * from './disclosure/index.js';
