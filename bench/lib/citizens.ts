import type { DataSource } from 'typeorm';

/** A citizen's browser as a bench drives it: its cookies, its CSRF token and its drafts. */
export interface BenchCitizen {
  /** `cookie` header value. */
  cookie: string;
  csrf: string;
  /** The session id inside the signed session cookie. */
  sid: string;
  /** The draft made over HTTP. */
  draft: string;
  /** Copies of that draft made in SQL, owned by the same session, to submit. */
  copies: string[];
}

/**
 * Starts a draft of `slug` as an anonymous citizen over HTTP (session and CSRF cookies as a browser gets them),
 * then clones it `copies` times in SQL: a bench measures submits, not the drafts before them.
 */
export async function anonymousCitizen(
  base: string,
  ds: DataSource,
  slug: string,
  data: unknown,
  copies: number,
): Promise<BenchCitizen> {
  // As the citizen's page does, a draft refused « service très demandé » (503) is asked again after Retry-After.
  let res: Response;
  for (let attempt = 1; ; attempt++) {
    res = await fetch(`${base}/api/v1/public/services/${slug}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    if (res.status !== 503 || attempt >= 10) break;
    await res.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
  if (res.status !== 201) throw new Error(`draft not created: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('csrf_token='))!.slice('csrf_token='.length);
  // The session cookie is "s:<sid>.<signature>", URL-encoded.
  // Named `gch_session_<installation's tag>` (sessionCookieName).
  const session = cookies.find((c) => /^gch_session(_[0-9a-f]+)?=/.test(c))!.replace(/^[^=]*=/, '');
  const sid = /^s:([^.]+)\./.exec(decodeURIComponent(session))![1]!;
  const { id } = (await res.json()) as { id: string };
  const cloned = (await ds.query(
    `INSERT INTO submission (organisation_id, service_id, form_version_id, version_number, anonymous_owner, status, data, revision)
     SELECT organisation_id, service_id, form_version_id, version_number, anonymous_owner, 'draft', data, 1
       FROM submission, generate_series(1, $2) WHERE id = $1 RETURNING id`,
    [id, copies],
  )) as Array<{ id: string }>;
  return { cookie: cookies.join('; '), csrf, sid, draft: id, copies: cloned.map((c) => c.id) };
}
