// Base images: `salvo vm image push` copies an image to physical hosts in parallel — rsync over
// OpenSSH (a config written from the deployment: the same addresses, users, keys, jump hosts and
// strictly checked host keys as Salvo's own connections), into a staging directory; the host then
// checks every file's sha256 against the manifest made here before the transfer and only then
// publishes the image, atomically (script.ts). `salvo vm image list` reads what each host
// has. The image's checksum is the sha256 of its SHA256SUMS text (one value for its content).
export { physicalHosts, vmDir } from './hosts.js';
export * from './list.js';
export * from './local.js';
export * from './push.js';
export * from './script.js';
