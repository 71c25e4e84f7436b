/**
 * What the integration project's global setup hands every test file about the run's shared
 * PostgreSQL server (vitest `provide`/`inject`): its admin URL, or why there is none. Never
 * the reason to fail a run: only the files that need PostgreSQL fail, with that reason.
 */
export type ProvidedTestPostgres =
  | { readonly adminUrl: string; readonly unavailable?: undefined }
  | { readonly adminUrl?: undefined; readonly unavailable: string };

declare module 'vitest' {
  export interface ProvidedContext {
    testPostgres: ProvidedTestPostgres;
  }
}
