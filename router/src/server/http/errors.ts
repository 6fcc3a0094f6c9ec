// The API's error type and the one table that maps the core's stable codes to HTTP statuses
// and pt-BR messages, so REST and WebSocket answers say the same thing for the same failure.
import type { ErrorCode, RoutingErrorInfo } from '../../core/index.js';
import type { ZodError } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

const ROUTING_ERRORS: Record<ErrorCode, { status: number; message: string }> = {
  invalid_command: { status: 400, message: 'Comando inválido.' },
  unknown_group: { status: 404, message: 'Grupo de atendimento não encontrado.' },
  unknown_agent: { status: 404, message: 'Atendente não encontrado.' },
  unknown_interaction: { status: 404, message: 'Atendimento não encontrado.' },
  duplicate_interaction: { status: 409, message: 'Já existe um atendimento com este id.' },
  no_offer: { status: 409, message: 'Não há oferta deste atendimento para o atendente.' },
  offer_expired: { status: 409, message: 'A oferta expirou.' },
  not_your_session: { status: 403, message: 'O atendimento pertence a outro atendente.' },
  invalid_state: { status: 409, message: 'O atendimento não está no estado exigido.' },
  capacity_below_load: { status: 409, message: 'A capacidade informada é menor que a carga atual do atendente.' },
  group_closed: { status: 409, message: 'O grupo está fora do horário de atendimento.' },
  agent_unavailable: { status: 409, message: 'O atendente de destino não está disponível.' },
  no_next_level: { status: 409, message: 'Não há nível superior para este grupo.' },
  group_in_use: { status: 409, message: 'O grupo está em uso.' },
};

/** A core refusal as an API error; the core's own (English) wording is kept in details.reason. */
export function fromRoutingError(error: RoutingErrorInfo): ApiError {
  const known = ROUTING_ERRORS[error.code] ?? { status: 409, message: error.message };
  return new ApiError(known.status, error.code, known.message, { ...error.details, reason: error.message });
}

export function fromZodError(error: ZodError, where: 'body' | 'query' | 'message' = 'body'): ApiError {
  const fields = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const label = where === 'query' ? 'Parâmetros inválidos.' : where === 'message' ? 'Mensagem inválida.' : 'Corpo da requisição inválido.';
  return new ApiError(400, where === 'message' ? 'invalid_message' : 'invalid_request', label, { fields });
}

export const notFound = (what: string, details?: Record<string, unknown>): ApiError =>
  new ApiError(404, `unknown_${what}`, 'Recurso não encontrado.', details);

export const forbidden = (message = 'Operação não permitida para este usuário.'): ApiError => new ApiError(403, 'forbidden', message);

export const unauthorized = (message = 'Credenciais ausentes ou inválidas.'): ApiError => new ApiError(401, 'unauthorized', message);
