/**
 * The error-code registry: every error Guichet returns has one of these codes,
 * an HTTP status and a message in French (default) and English. Browser-safe:
 * the web app uses the same table to show messages.
 */
export type Locale = 'fr' | 'en';

export interface ErrorDefinition {
  readonly status: number;
  readonly fr: string;
  readonly en: string;
}

export const ERROR_CODES = {
  MALFORMED_JSON: {
    status: 400,
    fr: 'Le corps de la requête n’est pas un JSON valide.',
    en: 'The request body is not valid JSON.',
  },
  JSON_TOO_DEEP: {
    status: 400,
    fr: 'Le corps de la requête est trop imbriqué ({limit} niveaux au plus).',
    en: 'The request body is nested too deeply ({limit} levels at most).',
  },
  NUL_CHARACTER: {
    status: 400,
    fr: 'La requête contient un caractère nul (U+0000), qui ne peut pas être enregistré : retirez-le.',
    en: 'The request contains a NUL character (U+0000), which cannot be stored: remove it.',
  },
  UNPAIRED_SURROGATE: {
    status: 400,
    fr: 'La requête contient un caractère incomplet (une moitié de paire de substitution UTF-16, entre U+D800 et U+DFFF), qui ne peut pas être enregistré : retirez-le ou saisissez le caractère à nouveau.',
    en: 'The request contains an incomplete character (half of a UTF-16 surrogate pair, U+D800 to U+DFFF), which cannot be stored: remove it or type the character again.',
  },
  INVALID_REQUEST: {
    status: 400,
    fr: 'La requête est invalide : vérifiez les champs signalés.',
    en: 'The request is invalid: check the fields listed.',
  },
  UNAUTHENTICATED: {
    status: 401,
    fr: 'Vous devez vous connecter pour continuer.',
    en: 'You must sign in to continue.',
  },
  FORBIDDEN: {
    status: 403,
    fr: 'Vous n’avez pas les droits nécessaires pour cette action.',
    en: 'You are not allowed to do this.',
  },
  CSRF: {
    status: 403,
    fr: 'La requête n’a pas pu être vérifiée (jeton CSRF absent ou invalide). Rechargez la page.',
    en: 'The request could not be verified (missing or invalid CSRF token). Reload the page.',
  },
  SIGN_IN_UNAVAILABLE: {
    status: 503,
    fr: 'La connexion n’est pas disponible pour le moment. Réessayez plus tard.',
    en: 'Sign-in is not available at the moment. Try again later.',
  },
  NOT_FOUND: {
    status: 404,
    fr: 'La ressource demandée est introuvable.',
    en: 'The requested resource was not found.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    fr: 'Cette méthode n’est pas acceptée pour cette adresse.',
    en: 'This method is not allowed for this address.',
  },
  CONFLICT: {
    status: 409,
    fr: 'La ressource a été modifiée entre-temps : rechargez-la puis réessayez.',
    en: 'The resource changed in the meantime: reload it and try again.',
  },
  SLUG_TAKEN: {
    status: 409,
    fr: 'Cette adresse de démarche est déjà utilisée : choisissez-en une autre.',
    en: 'This service address is already in use: choose another one.',
  },
  NOTHING_TO_PUBLISH: {
    status: 409,
    fr: 'Le brouillon est identique à la dernière version publiée : rien à publier.',
    en: 'The draft is the same as the latest published version: nothing to publish.',
  },
  NOT_A_DRAFT: {
    status: 409,
    fr: 'Ce dossier a déjà été déposé : il ne peut plus être modifié.',
    en: 'This request has already been submitted: it can no longer be changed.',
  },
  LAST_ADMIN: {
    status: 409,
    fr: 'C’est le dernier administrateur de l’organisation : nommez-en un autre avant de le retirer.',
    en: 'This is the organisation’s last administrator: appoint another one before removing them.',
  },
  MEMBERSHIP_EXISTS: {
    status: 409,
    fr: 'Cet agent a déjà ce rôle, avec la même portée, dans l’organisation.',
    en: 'This agent already has this role, with the same scope, in the organisation.',
  },
  ORGANISATION_SLUG_TAKEN: {
    status: 409,
    fr: 'Cet identifiant d’organisation est déjà utilisé : choisissez-en un autre.',
    en: 'This organisation identifier is already in use: choose another one.',
  },
  GROUP_EXISTS: {
    status: 409,
    fr: 'Ce groupe instructeur existe déjà pour cette démarche.',
    en: 'This caseworker group already exists for this service.',
  },
  GROUP_IN_USE: {
    status: 409,
    fr: 'Les règles d’orientation de la démarche envoient encore des dossiers à ce groupe : modifiez-les avant de le supprimer.',
    en: 'The service’s routing rules still send requests to this group: change them before deleting it.',
  },
  CONTRAST_TOO_LOW: {
    status: 422,
    fr: 'La couleur d’accent n’est pas assez contrastée sur fond blanc ({ratio}:1 mesuré, 4,5:1 au moins).',
    en: 'The accent colour does not contrast enough with white ({ratio}:1 measured, 4.5:1 at least).',
  },
  TRANSITION_UNKNOWN: {
    status: 422,
    fr: 'Cette action n’existe pas dans le circuit de cette démarche.',
    en: 'This action does not exist in this service’s workflow.',
  },
  TRANSITION_NOT_AVAILABLE: {
    status: 409,
    fr: 'Cette action n’est pas possible dans l’état actuel du dossier : rechargez-le.',
    en: 'This action is not possible in the request’s current status: reload it.',
  },
  TRANSITION_FORBIDDEN: {
    status: 403,
    fr: 'Vous ne pouvez pas effectuer cette action sur ce dossier.',
    en: 'You may not perform this action on this request.',
  },
  COMMENT_REQUIRED: {
    status: 422,
    fr: 'Cette action doit être motivée : écrivez un commentaire.',
    en: 'This action needs a reason: write a comment.',
  },
  NOT_SUBMITTED: {
    status: 409,
    fr: 'Ce dossier n’a pas encore été déposé : il n’a pas d’accusé de réception.',
    en: 'This request has not been submitted yet: it has no receipt.',
  },
  IDEMPOTENCY_IN_FLIGHT: {
    status: 409,
    fr: 'Cette demande est déjà en cours de traitement : patientez quelques secondes.',
    en: 'This request is already being processed: wait a few seconds.',
  },
  SERVICE_CLOSED: {
    status: 409,
    fr: 'Cette démarche est close : elle n’accepte plus de dossier, ni de modification de brouillon.',
    en: 'This service is closed: it no longer accepts requests, nor changes to drafts.',
  },
  SUBMISSION_LIMIT_REACHED: {
    status: 409,
    fr: 'Vous avez déjà déposé le nombre de dossiers permis pour cette démarche ({limit}).',
    en: 'You have already filed as many requests as this service allows ({limit}).',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    fr: 'La requête est trop volumineuse (limite : {limit}).',
    en: 'The request is too large (limit: {limit}).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    fr: 'Type de contenu non pris en charge : envoyez du JSON (application/json).',
    en: 'Unsupported content type: send JSON (application/json).',
  },
  CONTENT_ENCODING_UNSUPPORTED: {
    status: 415,
    fr: 'Encodage du corps non pris en charge ({encoding}) : envoyez-le sans compression, ou en gzip, deflate ou br.',
    en: 'Unsupported body encoding ({encoding}): send it uncompressed, or as gzip, deflate or br.',
  },
  CONTENT_ENCODING_INVALID: {
    status: 400,
    fr: 'Le corps de la requête ne correspond pas à son encodage annoncé (Content-Encoding : {encoding}).',
    en: 'The request body does not match its declared encoding (Content-Encoding: {encoding}).',
  },
  FILES_QUOTA_EXCEEDED: {
    status: 409,
    fr: 'Ce dossier a atteint sa limite de fichiers ({limit}) : enregistrez vos réponses ou retirez un fichier avant d’en envoyer un autre.',
    en: 'This request has reached its file limit ({limit}): save your answers or remove a file before sending another.',
  },
  SESSION_EXPIRED: {
    status: 401,
    fr: 'Votre session a expiré : ce dossier, commencé sans compte, n’est plus accessible depuis ce navigateur. Les réponses encore affichées peuvent être reprises dans un nouveau brouillon.',
    en: 'Your session has expired: this request, started without an account, can no longer be reached from this browser. The answers still on screen can be copied into a new draft.',
  },
  DEFINITION_INVALID: {
    status: 422,
    fr: 'La définition de la démarche comporte des erreurs : corrigez les points signalés.',
    en: 'The service definition has errors: fix the points listed.',
  },
  DEFINITION_NOT_PUBLISHABLE: {
    status: 422,
    fr: 'La démarche ne peut pas être publiée : les usagers ne pourraient pas la remplir telle quelle (libellé manquant, choix sans réponse…). Corrigez les points signalés.',
    en: 'The service cannot be published: citizens could not fill it in as it is (a missing label, a choice without answers…). Fix the points listed.',
  },
  SUBMISSION_INVALID: {
    status: 422,
    fr: 'Le dossier comporte des erreurs : corrigez les champs signalés.',
    en: 'The request has errors: correct the fields listed.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    fr: 'Cette clé d’idempotence a déjà servi pour une autre demande.',
    en: 'This idempotency key was already used for another request.',
  },
  FILE_EMPTY: {
    status: 422,
    fr: 'Ce fichier est vide (0 octet) : il a pu être mal enregistré ou ne pas être encore téléchargé sur cet appareil. Ouvrez-le pour le vérifier, puis choisissez-le à nouveau.',
    en: 'This file is empty (0 bytes): it may have been saved badly or not yet be downloaded to this device. Open it to check, then choose it again.',
  },
  FILE_TYPE_NOT_ACCEPTED: {
    status: 422,
    fr: 'Ce type de fichier n’est pas accepté pour ce champ (acceptés : {accepted}). Le type est lu dans le contenu du fichier, pas dans son nom.',
    en: 'This type of file is not accepted for this field (accepted: {accepted}). The type is read from the content, not the name.',
  },
  CHALLENGE_REQUIRED: {
    status: 422,
    fr: 'Cette démarche demande une vérification anti-robot avant le dépôt : rechargez la page, puis déposez à nouveau votre dossier.',
    en: 'This service asks for an anti-robot check before submitting: reload the page, then submit again.',
  },
  CHALLENGE_INVALID: {
    status: 422,
    fr: 'La vérification anti-robot a échoué ou a expiré : déposez à nouveau votre dossier.',
    en: 'The anti-robot check failed or expired: submit again.',
  },
  RATE_LIMITED: {
    status: 429,
    fr: 'Trop de requêtes : réessayez dans quelques instants.',
    en: 'Too many requests: try again in a moment.',
  },
  INTERNAL_ERROR: {
    status: 500,
    fr: 'Une erreur inattendue s’est produite. Si elle persiste, communiquez la référence {errorId} au support.',
    en: 'An unexpected error occurred. If it persists, give reference {errorId} to support.',
  },
  REQUEST_TIMEOUT: {
    status: 503,
    fr: 'Le serveur a mis trop de temps à répondre. Réessayez dans quelques instants ; ce qui était déjà enregistré est conservé.',
    en: 'The server took too long to answer. Try again in a moment; what was already saved is kept.',
  },
  STORAGE_FULL: {
    status: 507,
    fr: 'L’espace de stockage des pièces jointes est plein : le fichier n’a pas été enregistré. Vos réponses sont conservées ; réessayez plus tard.',
    en: 'Attachment storage is full: the file was not saved. Your answers are kept; try again later.',
  },
  LOOKUP_UNAVAILABLE: {
    status: 503,
    fr: 'Le répertoire ne répond pas pour le moment : saisissez les informations vous-même, elles seront acceptées.',
    en: 'The directory does not answer at the moment: type the details yourself, they will be accepted.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    fr: 'Le service est momentanément indisponible ({dependencies}). Réessayez dans quelques instants.',
    en: 'The service is temporarily unavailable ({dependencies}). Try again in a moment.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem in a request, located by an RFC 6901 JSON pointer. */
export interface ErrorItem {
  pointer?: string;
  code: string;
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  errors?: ErrorItem[];
  /** How many more problems there are than `errors` lists (lists are capped, see MAX_LISTED_ERRORS). */
  moreErrors?: number;
  errorId?: string;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** The message of a code in a locale, with `{name}` placeholders filled. */
export function errorMessage(
  code: ErrorCode,
  locale: Locale = 'fr',
  params: Readonly<Record<string, string>> = {},
): string {
  return ERROR_CODES[code][locale].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? (params[name] as string) : whole,
  );
}

/**
 * An expected failure of a use case: thrown by domain code, turned into an
 * HTTP answer by the API's exception filter.
 */
export class AppError extends Error {
  readonly errors?: ErrorItem[];
  readonly moreErrors?: number;
  readonly params: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    options: { errors?: ErrorItem[]; moreErrors?: number; params?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(errorMessage(code, 'en', options.params), { cause: options.cause });
    this.name = 'AppError';
    this.errors = options.errors;
    if (options.moreErrors) this.moreErrors = options.moreErrors;
    this.params = options.params ?? {};
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
