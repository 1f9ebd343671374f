import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProofOfWork } from './proof-of-work';

@ApiTags('usagers')
@Controller('api/v1/public/challenge')
export class ChallengeController {
  constructor(private readonly proofOfWork: ProofOfWork) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Une vérification anti-robot (preuve de travail, format ALTCHA) à résoudre avant de déposer sur une démarche qui la demande ; la solution part dans l’en-tête X-Altcha.',
  })
  challenge() {
    return this.proofOfWork.challenge();
  }
}
