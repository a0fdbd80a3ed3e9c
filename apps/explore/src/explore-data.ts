import type { ExploreData } from '../../cli/src/commands/explore-page-data.js';

export type { ExploreData };

/** The data.json of the server, or undefined when the page runs as a static site. */
export async function fetchServedData(): Promise<ExploreData | undefined> {
  try {
    const r = await fetch('data.json');
    if (!r.ok || !(r.headers.get('content-type') ?? '').startsWith('application/json'))
      return undefined;
    return (await r.json()) as ExploreData;
  } catch {
    return undefined;
  }
}
