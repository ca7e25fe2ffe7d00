/** Injected by wxt.config.ts from BIRDCALL_SIGNAL_URL at build time. */
declare const __BIRDCALL_SIGNAL_URL__: string;
