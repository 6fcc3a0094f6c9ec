// The console is a browser-only SPA: no server rendering, no prerendering (adapter-static fallback).
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
