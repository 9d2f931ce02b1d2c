import { UserError } from "../errors.js";

/** A profile or import-time log that cannot be read or understood; the message names the file. */
export class ProfileError extends UserError {
  readonly file?: string;

  constructor(reason: string, file?: string) {
    super(file === undefined ? reason : `${file}: ${reason}`);
    this.name = "ProfileError";
    this.file = file;
  }
}
