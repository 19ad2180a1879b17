/**
 * `@aerie/web` is the browser console (built by Vite from `main.tsx`); Node code uses
 * `@aerie/web/node` (the build's location and a build function). Nothing else imports the
 * browser code.
 */
export {};
