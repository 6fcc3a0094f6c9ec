// SvelteKit's ambient types for the console (no server-side code: the app is a static SPA).
declare global {
  namespace App {}
}

export {};
