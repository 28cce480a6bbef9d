// What the VM subsystem reports while it works (source `vm` of a Deployment's events).

/** One physical host's part of `salvo vm image push`. */
export type ImageHostPhase =
  | 'present' // it has this image already (same checksum): nothing sent
  | 'transferring' // rsync runs into DIR/images/.incoming/NAME/
  | 'staged' // rsync ended; the copy is about to be verified
  | 'published' // verified (sha256 of every file) and switched to, atomically
  | 'refused' // a checksum did not match: the copy was removed, the old image kept
  | 'failed'; // the host could not be reached, or rsync failed

export type VmEvent =
  | { kind: 'image-checksummed'; image: string; sha256: string; bytes: number; files: number }
  | {
      kind: 'image-host';
      image: string;
      host: string;
      phase: ImageHostPhase;
      /** staged: where the copy waits on the host (DIR/images/.incoming/NAME). */
      stage?: string;
      detail?: string;
    };
