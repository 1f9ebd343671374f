import { useEffect, useRef, useState } from 'react';
import type { Schema } from '../form/model';
import { api, type Me } from '../lib/api';
import { formatDateTime, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { useSemantics } from '../form/semantics';
import { Answers } from './Answers';
import { Failure, actionErrorText, assigneeText } from './common';
import { CaseAttachments } from './CaseAttachments';
import { CaseCitizen } from './CaseCitizen';
import { CaseHistory } from './CaseHistory';
import { Messages } from './CaseMessages';
import { Notes } from './CaseNotes';
import { DecisionPanel, type Notice } from './DecisionPanel';
import { useCaseFile } from './use-case-file';

/** One request, as the caseworker works on it. */
export function CaseView({ slug, id, me }: { slug: string; id: string; me: Me }) {
  const { file, setFile, failure, refresh } = useCaseFile(slug, id);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const title = file
    ? `${tr('Demande', 'Request')} ${file.reference ?? ''} — ${file.service.title}`
    : tr('Demande', 'Request');
  usePageTitle(title);
  // Conditions and branches are read as the citizen saw them, once RJSF's semantics are loaded (only if needed).
  const semantics = useSemantics(file?.definition.schema as Schema | undefined);

  if (failure) return <Failure title={tr('Demande introuvable', 'Request not found')} message={failure} />;
  if (!file) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;

  const mine = file.assignee === `account:${me.id}`;

  const act = async (run: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setNotice(null);
    try {
      await run();
    } catch (e) {
      setNotice({ kind: 'error', text: actionErrorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const assign = () =>
    act(async () => {
      const result = await api<{ assignee: string | null; assigneeName?: string | null }>(
        `/api/v1/submissions/${file.id}/assign`,
        { method: 'POST', body: { agentId: mine ? null : `account:${me.id}` } },
      );
      setFile({ ...file, assignee: result.assignee, assigneeName: result.assigneeName ?? null });
      setStatus(
        result.assignee
          ? tr('La demande vous est attribuée.', 'The request is assigned to you.')
          : tr('L’attribution est retirée.', 'The request is unassigned.'),
      );
    });

  const follow = () =>
    act(async () => {
      const result = await api<{ followed: boolean }>(`/api/v1/submissions/${file.id}/follow`, {
        method: file.followed ? 'DELETE' : 'PUT',
      });
      setFile({ ...file, followed: result.followed });
      setStatus(
        result.followed
          ? tr('Vous suivez cette demande (onglet « Suivis »).', 'You follow this request (“Followed” tab).')
          : tr('Vous ne suivez plus cette demande.', 'You no longer follow this request.'),
      );
    });

  return (
    <>
      <p className="eyebrow">
        <a href="/instruction" onClick={onLinkClick}>
          {tr('Instruction', 'Casework')}
        </a>{' '}
        ›{' '}
        <a href={`/instruction/${encodeURIComponent(slug)}`} onClick={onLinkClick}>
          {file.service.title}
        </a>
      </p>
      <h1 tabIndex={-1}>
        {tr('Demande', 'Request')} {file.reference}
      </h1>
      {notice && (
        <div
          className={`notice ${notice.kind === 'error' ? 'notice--error' : 'notice--success'}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          tabIndex={-1}
          ref={noticeRef}
        >
          <p>{notice.text}</p>
          {notice.unsent && (
            <>
              <p className="label">{notice.unsent.label}</p>
              <blockquote className="comment">{notice.unsent.text}</blockquote>
            </>
          )}
        </div>
      )}

      <dl className="desk-summary">
        <div>
          <dt>{tr('État', 'Status')}</dt>
          <dd>
            <span className="status">{file.statusLabel}</span>
          </dd>
        </div>
        <div>
          <dt>{tr('Déposée le', 'Sent on')}</dt>
          <dd>{formatDateTime(file.submittedAt)}</dd>
        </div>
        {file.deadline && (
          <div>
            <dt>{tr('Échéance', 'Deadline')}</dt>
            <dd>{formatDateTime(file.deadline.at)}</dd>
          </div>
        )}
        <div>
          <dt>{tr('Groupe d’instruction', 'Group')}</dt>
          <dd>{file.group ?? <span className="muted">{tr('Pas encore orientée', 'Not routed yet')}</span>}</dd>
        </div>
        <div>
          <dt>{tr('Attribuée à', 'Assigned to')}</dt>
          <dd>{assigneeText(file.assignee, me.id, file.assigneeName)}</dd>
        </div>
      </dl>
      <div className="actions desk-case-tools">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void assign()}
          aria-disabled={busy || undefined}
        >
          {mine ? tr('Retirer l’attribution', 'Unassign') : tr('M’attribuer la demande', 'Assign it to me')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void follow()}
          aria-disabled={busy || undefined}
        >
          {file.followed ? tr('Ne plus suivre', 'Stop following') : tr('Suivre la demande', 'Follow the request')}
        </button>
      </div>
      <p role="status" className="desk-status">
        {status}
      </p>

      <DecisionPanel file={file} me={me} title={title} onNotice={setNotice} refresh={refresh} />

      <CaseCitizen file={file} />

      <section aria-labelledby="reponses">
        <h2 id="reponses">{tr('Réponses', 'Answers')}</h2>
        <p className="hint">{tr(`Formulaire en version ${file.version}.`, `Form version ${file.version}.`)}</p>
        <Answers file={file} semantics={semantics} />
      </section>

      <CaseAttachments file={file} />

      <Messages
        file={file}
        onSent={(m, since) =>
          setFile({ ...file, messages: [...file.messages, m], awaitingReplySince: since ?? file.awaitingReplySince })
        }
      />
      <Notes file={file} me={me} onAdded={(n) => setFile({ ...file, notes: [...file.notes, n] })} />

      <CaseHistory file={file} me={me} />
      <p>
        <a href={`/instruction/${encodeURIComponent(slug)}`} onClick={onLinkClick}>
          {tr('Retour aux demandes', 'Back to the requests')}
        </a>
      </p>
    </>
  );
}
