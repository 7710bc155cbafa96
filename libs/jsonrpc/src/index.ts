export type JsonRpcId = string | number;
