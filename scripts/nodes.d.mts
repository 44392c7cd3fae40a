export declare const NODE_VERSIONS: string[];
export declare function ensureNode(version: string): string;
