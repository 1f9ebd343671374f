import { useRef, useState } from 'react';
import { api, newKey } from '../lib/api';
import { formatDateTime, tr } from '../lib/i18n';
import { AttachmentItem } from './Answers';
import { TextForm } from './TextForm';
import { MESSAGE_FILE_MAX_BYTES, type CaseView } from '@guichet/shared';

/** The conversation with the citizen, and the form to write them (a file joined, a reply awaited). */
export function Messages({
  file,
  onSent,
}: {
  file: CaseView;
  onSent: (m: CaseView['messages'][number], awaitingReplySince: string | null) => void;
}) {
  const [awaiting, setAwaiting] = useState(false);
  const [chosen, setChosen] = useState<File | null>(null);
  // A new key empties the file input once the message is sent.
  const [fileKey, setFileKey] = useState(0);
  /**
   * The message being sent, until the server has said it got it: tried again after a failure (a lost answer may
   * hide a message that went through), the same text goes with the same Idempotency-Key and the file already
   * uploaded, so the citizen gets it once, with one email.
   */
  const pending = useRef<{
    signature: string;
    key: string;
    file: File | null;
    attachment: CaseView['messages'][number]['attachment'];
  } | null>(null);
  return (
    <section aria-labelledby="messages">
      <h2 id="messages">{tr('Messages avec l’usager', 'Messages with the citizen')}</h2>
      {file.awaitingReplySince && (
        <p className="desk-awaiting" role="note">
          {tr('En attente de réponse de l’usager depuis le ', 'Waiting for the citizen’s reply since ')}
          {formatDateTime(file.awaitingReplySince)}
        </p>
      )}
      {file.messages.length === 0 ? (
        <p>{tr('Aucun message.', 'No message.')}</p>
      ) : (
        <ul className="messages">
          {file.messages.map((m) => (
            <li key={m.id} className={`message message--${m.from}`}>
              <p className="message-meta">
                {m.from === 'citizen' ? tr('L’usager', 'The citizen') : tr('Le service', 'The service')} —{' '}
                {formatDateTime(m.at)}
              </p>
              <p className="message-body">{m.body}</p>
              {m.attachment && (
                <AttachmentItem
                  file={file}
                  attachment={m.attachment}
                  field={tr('Pièce jointe au message', 'File joined to the message')}
                  preview={false}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <TextForm
        id="message-usager"
        label={tr('Écrire à l’usager', 'Write to the citizen')}
        hint={
          file.contact.email
            ? tr(
                'L’usager le lira dans le suivi de sa demande ; un courriel l’avertit, sans recopier le message.',
                'The citizen reads it in their request; an email tells them, without the message itself.',
              )
            : tr(
                'L’usager le lira dans le suivi de sa demande. Il n’a pas donné de courriel : il ne sera pas averti.',
                'The citizen reads it in their request. They gave no email: they will not be told.',
              )
        }
        button={tr('Envoyer le message', 'Send the message')}
        emptyMessage={tr('Écrivez le message.', 'Write the message.')}
        networkMessage={tr(
          'Le serveur ne répond pas : le message n’est peut-être pas parti. Il est gardé ici ; renvoyez-le quand la connexion revient, il ne sera pas envoyé deux fois.',
          'The server does not answer: the message may not have gone. It is kept here; send it again once the connection is back, it will not be sent twice.',
        )}
        onSubmit={async (body) => {
          const signature = JSON.stringify([body, awaiting, chosen?.name, chosen?.size, chosen?.lastModified]);
          if (pending.current?.signature !== signature || pending.current.file !== chosen)
            pending.current = { signature, key: newKey(), file: chosen, attachment: null };
          const attempt = pending.current;
          let attachment = attempt.attachment;
          if (chosen && !attachment) {
            if (chosen.size > MESSAGE_FILE_MAX_BYTES) {
              throw new Error(tr('Le fichier dépasse 10 Mo.', 'The file is larger than 10 MB.'));
            }
            const form = new FormData();
            form.append('file', chosen, chosen.name);
            const uploaded = await api<{ attachmentId: string; filename: string; mediaType: string; bytes: number }>(
              `/api/v1/submissions/${file.id}/message-attachments`,
              { method: 'POST', body: form },
            );
            attachment = {
              id: uploaded.attachmentId,
              filename: uploaded.filename,
              mediaType: uploaded.mediaType,
              bytes: uploaded.bytes,
            };
            attempt.attachment = attachment;
          }
          const sent = await api<{ id: string; at: string; awaitingReplySince: string | null }>(
            `/api/v1/submissions/${file.id}/messages`,
            {
              method: 'POST',
              headers: { 'Idempotency-Key': attempt.key },
              body: {
                body,
                ...(awaiting ? { awaitingReply: true } : {}),
                ...(attachment ? { attachmentId: attachment.id } : {}),
              },
            },
          );
          pending.current = null;
          onSent({ id: sent.id, at: sent.at, from: 'caseworker', body, attachment }, sent.awaitingReplySince);
          setAwaiting(false);
          setChosen(null);
          setFileKey((k) => k + 1);
          return sent.awaitingReplySince
            ? tr(
                'Message envoyé à l’usager ; la demande attend sa réponse.',
                'Message sent to the citizen; the request waits for their reply.',
              )
            : tr('Message envoyé à l’usager.', 'Message sent to the citizen.');
        }}
      >
        <div className="field">
          <label htmlFor="message-fichier">{tr('Joindre un fichier (facultatif)', 'Join a file (optional)')}</label>
          <p className="hint" id="message-fichier-aide">
            {tr('Un PDF ou une image, 10 Mo au plus.', 'One PDF or image, 10 MB at most.')}
          </p>
          <input
            key={fileKey}
            id="message-fichier"
            type="file"
            accept="application/pdf,image/png,image/jpeg,image/gif,image/webp"
            aria-describedby="message-fichier-aide"
            onChange={(e) => setChosen(e.target.files?.[0] ?? null)}
          />
        </div>
        <div className="field field--checkbox">
          <div className="choice">
            <input
              id="message-attente"
              type="checkbox"
              checked={awaiting}
              aria-describedby="message-attente-aide"
              onChange={(e) => setAwaiting(e.target.checked)}
            />
            <label htmlFor="message-attente">{tr('Attend une réponse', 'Awaits a reply')}</label>
          </div>
          <p className="hint" id="message-attente-aide">
            {tr(
              'La demande sera marquée « En attente de réponse de l’usager » jusqu’à ce qu’il réponde.',
              'The request is marked “Waiting for the citizen’s reply” until they answer.',
            )}
          </p>
        </div>
      </TextForm>
    </section>
  );
}
