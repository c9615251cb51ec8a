import type { z } from 'zod';
import type { Result } from '../errors.ts';

/**
 * One entry of the app API contract. `query` reads; `command` changes data and always runs
 * through the command layer (named command, one transaction, outbox row on the desktop).
 */
export interface Endpoint<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** `job`: a long task of the desktop core (an import) that runs commands and reports progress. */
  kind: 'query' | 'command' | 'job';
  input: I;
  output: O;
  /** For `command` endpoints: the business command it runs. */
  command?: string;
}

export type QueryEndpoint<I extends z.ZodType, O extends z.ZodType> = Endpoint<I, O> & { kind: 'query' };
export type CommandEndpoint<I extends z.ZodType, O extends z.ZodType> = Endpoint<I, O> & {
  kind: 'command';
  command: string;
};

export const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): QueryEndpoint<I, O> => ({
  kind: 'query',
  input,
  output,
});

export type JobEndpoint<I extends z.ZodType, O extends z.ZodType> = Endpoint<I, O> & { kind: 'job' };

export const job = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): JobEndpoint<I, O> => ({
  kind: 'job',
  input,
  output,
});

export const command = <I extends z.ZodType, O extends z.ZodType>(
  name: string,
  input: I,
  output: O,
): CommandEndpoint<I, O> => ({ kind: 'command', input, output, command: name });

/** The client-side function type of an endpoint: what `window.oms.<channel>` is. */
export type ClientFn<E> =
  E extends Endpoint<infer I, infer O> ? (input: z.input<I>) => Promise<Result<z.output<O>>> : never;
