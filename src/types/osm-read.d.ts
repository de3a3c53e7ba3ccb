// The parts of osm-read 0.7 (CommonJS, untyped) that the street importer uses.
declare module 'osm-read' {
  export type OsmTags = Record<string, string>;

  export interface OsmNode {
    /** Decimal id as a string (64-bit in OSM). */
    id: string;
    lat: number;
    lon: number;
    tags: OsmTags;
  }

  export interface OsmWay {
    id: string;
    tags: OsmTags;
    /** Node ids in order, as strings. */
    nodeRefs: string[];
  }

  export interface ParseOptions {
    filePath: string;
    /** Required for `.osm` files: the format is otherwise guessed from a `.xml`/`.pbf` file name only. */
    format: 'xml' | 'pbf';
    node?: (node: OsmNode) => void;
    way?: (way: OsmWay) => void;
    /** Always required by the PBF reader, which calls it unconditionally. */
    endDocument: () => void;
    /** A string or an Error, depending on which part failed. */
    error: (error: unknown) => void;
  }

  export interface Parser {
    pause(): void;
    resume(): void;
  }

  export function parse(options: ParseOptions): Parser;
}

declare module 'osm-read/lib/proto/index.js' {
  export const OSMPBF: {
    BlobHeader: {
      /** Throws on bytes that are not a BlobHeader message. */
      decode(bytes: Uint8Array): { type: string; datasize: number };
    };
  };
}
