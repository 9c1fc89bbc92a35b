import { constructFromEvents, CORE_SCHEMA, EVENT_ID, parseEvents, type Event } from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { EnumguardError } from '../../core/errors.ts';
import type { PositionMap } from './json-positions.ts';
import { scanEvents, yamlEventPositions } from './yaml-event-positions.ts';
import { yamlValueAndPositions } from './yaml-positions.ts';

export interface ParsedYaml {
  readonly value: unknown;
  readonly positions: PositionMap;
}

/**
 * js-yaml's event parser and constructor (YAML 1.2 core schema): about 0.3 s on a 5 MB spec,
 * where the `yaml` package's Document took 3.6 s. Undefined when js-yaml refuses the text or
 * reads it differently from how the `yaml` package would (a %YAML directive, which may select
 * YAML 1.1's schema there; no document or several): the caller then takes the `yaml` path,
 * which names the error as before.
 */
export function parseYamlFast(file: string, text: string): ParsedYaml | undefined {
  let events: Event[];
  let documents: unknown[];
  try {
    events = parseEvents(text, { filename: file });
  } catch {
    return undefined;
  }
  const documentCount = events.reduce((n, e) => (e.type === EVENT_ID.DOCUMENT ? n + 1 : n), 0);
  const first = events[0];
  if (
    documentCount !== 1 ||
    first?.type !== EVENT_ID.DOCUMENT ||
    first.directives.some((d) => d.kind === 'yaml')
  ) {
    return undefined;
  }
  // Refuses an alias inside its own anchor, as the `yaml` path does, before building a cycle.
  const { ends, emptyKey } = scanEvents(text, events, file);
  if (emptyKey) return undefined;
  try {
    // maxAliases -1: an alias shares the anchored value (no copy), so many aliases cost nothing.
    documents = constructFromEvents(events, {
      source: text,
      filename: file,
      schema: CORE_SCHEMA,
      maxAliases: -1,
    });
  } catch {
    return undefined;
  }
  if (documents.length !== 1) return undefined;
  return { value: documents[0], positions: yamlEventPositions(text, events, ends) };
}

/** The `yaml` package's full parse: every position up front, and its located error messages. */
function parseWithDocument(file: string, text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    const { line, col } = lines.linePos(error.pos[0]);
    throw new EnumguardError(
      'ERR_SPEC_INVALID',
      `${file}:${line}:${col} is not valid YAML: ${error.message.split('\n')[0]}`,
    );
  }
  return yamlValueAndPositions(doc, lines, file);
}

/**
 * A YAML spec's value and where its keys and items were written. Valid specs take js-yaml's
 * fast path with positions found on demand; text it refuses (bad syntax, duplicate keys, a
 * complex key, nesting past its depth limit) is parsed again by the `yaml` package, so an
 * invalid file is reported with the same located message as before, and whatever `yaml`
 * accepts is still read.
 */
export function parseYaml(file: string, text: string): ParsedYaml {
  return parseYamlFast(file, text) ?? parseWithDocument(file, text);
}
