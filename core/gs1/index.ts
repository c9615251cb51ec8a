export { FNC1_GS, AI_TABLE, aiEntry, type AiEntry } from './ai.ts';
export { parseGs1, type Gs1Element, type Gs1Message, type ParseGs1Options, type Gs1Symbology } from './parse.ts';
export { buildGs1, makeSscc, type Gs1Built } from './build.ts';
export { checkAssociations, type AssociationScope } from './rules.ts';
