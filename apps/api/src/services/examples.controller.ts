import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Config } from '@guichet/config';
import { listExamples } from '@guichet/forms';
import { DESIGNER_ROLES, organisationsReached, type Actor } from '@guichet/identity';
import { AppError } from '@guichet/shared';
import { ActorGuard, CurrentActor } from '../auth/actor.guard';
import { CONFIG } from '../tokens';

/** The example services of the installation (FORMS_DIR), to start a new service from. */
@ApiTags('conception')
@ApiBearerAuth()
@UseGuards(ActorGuard)
@Controller('api/v1/examples')
export class ExamplesController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get()
  @ApiOperation({
    summary:
      'Les démarches d’exemple de l’installation : [{ name, slug, title, description }] ; `name` se passe à POST /api/v1/services comme fromExample.',
  })
  list(@CurrentActor() actor: Actor) {
    if (organisationsReached(actor, DESIGNER_ROLES).length === 0) throw new AppError('FORBIDDEN');
    return listExamples(this.config.FORMS_DIR);
  }
}
