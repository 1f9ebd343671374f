import { Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { organisationsWhere, type Actor } from '@guichet/identity';
import { AppError, escapeHtml as escape, organisationId, type OrganisationId } from '@guichet/shared';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
import { QueueStatusService, type QueueStatus } from './queue-status.service';

const ADMIN = ['admin'] as const;

/** Where the actor is admin of the whole organisation; `act`: not read-only (to retry a job). */
function adminOrganisations(actor: Actor, act = false): OrganisationId[] {
  const organisations = organisationsWhere(actor, ADMIN, { act });
  if (organisations.length === 0) throw new AppError('FORBIDDEN');
  return organisations.map(organisationId);
}

const QUEUE_LABELS: Record<string, string> = {
  system: 'Diagnostic',
  notify: 'Courriels',
  webhook: 'Webhooks',
  document: 'Documents',
  deadline: 'Délais',
  route: 'Orientation',
};

function page(status: QueueStatus): string {
  const states = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
  const stateLabels = ['En attente', 'En cours', 'Différés', 'En échec', 'Terminés'];
  const queueRows = status.queues
    .map(
      (q) =>
        `<tr><th scope="row">${escape(QUEUE_LABELS[q.name] ?? q.name)}</th>${
          q.counts
            ? states.map((s) => `<td>${q.counts![s] ?? 0}</td>`).join('')
            : `<td colspan="${states.length}">file injoignable</td>`
        }</tr>`,
    )
    .join('');
  const failedRows = status.failed.length
    ? `<table><caption>Travaux en échec définitif (${status.failed.length})</caption><thead><tr><th scope="col">Travail</th><th scope="col">Dossier</th><th scope="col">Échoué le</th><th scope="col">Dernière erreur</th><th scope="col">Identifiant</th></tr></thead><tbody>${status.failed
        .map(
          (f) =>
            `<tr><td>${escape(f.topic)}</td><td>${escape(f.submissionId ?? '—')}</td><td>${escape(f.failedAt)}</td><td>${escape(f.lastError ?? '')}</td><td><code>${escape(f.id)}</code></td></tr>`,
        )
        .join('')}</tbody></table>
<p>Pour relancer un travail : <code>POST /api/v1/admin/outbox/&lt;identifiant&gt;/retry</code> (jeton d’API administrateur).</p>`
    : '<p>Aucun travail en échec définitif.</p>';
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Files de travaux — Guichet</title>
<style>body{font-family:system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem;color:#161616}table{border-collapse:collapse;margin:1rem 0;width:100%}caption{text-align:left;font-weight:700;padding:.5rem 0}th,td{border:1px solid #666;padding:.4rem .6rem;text-align:left}a{color:#000091}</style>
</head><body><main>
<h1>Files de travaux</h1>
<p>Sortie transactionnelle (outbox) : ${status.outbox.waitingRelay} en attente de relais, ${status.outbox.unfinished} en cours, ${status.outbox.failed} en échec définitif.</p>
<table><caption>Travaux par file et par état</caption><thead><tr><th scope="col">File</th>${stateLabels
    .map((l) => `<th scope="col">${l}</th>`)
    .join('')}</tr></thead><tbody>${queueRows}</tbody></table>
${failedRows}
</main></body></html>`;
}

/** The operators' view of the job queues, for admins of an organisation. */
@ApiTags('exploitation')
@Controller()
@UseGuards(ActorGuard)
export class AdminQueuesController {
  constructor(private readonly status: QueueStatusService) {}

  @Get('admin/queues')
  @ApiExcludeEndpoint()
  async html(@CurrentActor() actor: Actor, @Req() _req: Request, @Res() res: Response): Promise<void> {
    const status = await this.status.read(adminOrganisations(actor));
    res.type('html').setHeader('Cache-Control', 'no-store').send(page(status));
  }

  @Get('api/v1/admin/queues')
  @ApiOperation({
    summary: 'Files de travaux : compteurs, sortie transactionnelle, travaux en échec (administrateurs).',
  })
  json(@CurrentActor() actor: Actor): Promise<QueueStatus> {
    return this.status.read(adminOrganisations(actor));
  }

  @Post('api/v1/admin/outbox/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Relance un travail en échec définitif (administrateurs).' })
  retry(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.status.retry(id, adminOrganisations(actor, true));
  }
}
