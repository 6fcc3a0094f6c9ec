// How an admin form reports a failed save: the server's field problems next to the fields (in
// pt-BR), anything else as the form's message.
import { ApiFailure } from '../api/client';
import { translateServerFields, type Problems } from './validation';

export interface SaveFailure {
  problems: Problems;
  message: string;
}

export function describeFailure(err: unknown): SaveFailure {
  if (err instanceof ApiFailure) {
    const problems = translateServerFields(err.fields);
    const message = Object.keys(problems).length > 0 ? 'Corrija os campos destacados.' : err.message;
    return { problems, message };
  }
  return { problems: {}, message: err instanceof Error ? err.message : 'Não foi possível salvar.' };
}
