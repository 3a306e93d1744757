export function findElectronBinary(): { path: string; why?: undefined } | { path: null; why: string };
