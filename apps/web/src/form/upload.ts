import { lang, tr } from '../lib/i18n';

/**
 * Sends one file of a form to `url`: a request's attachments, or a trial's
 * (the designers' test mode keeps its files with the trial and deletes them
 * with it). XMLHttpRequest for its upload progress.
 */
export function uploadFile(
  url: string,
  pointer: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<{ attachmentId: string }> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('pointer', pointer);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_token='));
    xhr.setRequestHeader('X-CSRF-Token', csrf ? decodeURIComponent(csrf.slice('csrf_token='.length)) : '');
    xhr.setRequestHeader('Accept-Language', lang);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { attachmentId?: string; message?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // Not JSON: the generic message below.
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.attachmentId) resolve({ attachmentId: body.attachmentId });
      else reject(new Error(body.message ?? tr('Le fichier n’a pas pu être envoyé.', 'The file could not be sent.')));
    };
    xhr.onerror = () =>
      reject(
        new Error(
          tr(
            'Le fichier n’a pas pu être envoyé : vérifiez votre connexion.',
            'The file could not be sent: check your connection.',
          ),
        ),
      );
    xhr.send(form);
  });
}
