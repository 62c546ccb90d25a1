/** The last lines initdb/postgres printed; they carry the real reason when starting fails. */
export class RecentServerOutput {
  #lines: string[] = [];

  add(message: string): void {
    this.#lines.push(...message.split('\n').filter((line) => line.trim() !== ''));
    this.#lines = this.#lines.slice(-40);
  }

  clear(): void {
    this.#lines = [];
  }

  mentions(text: string): boolean {
    return this.#lines.some((line) => line.includes(text));
  }

  summary(error: unknown): string {
    const important = this.#lines.filter((line) => /FATAL|PANIC|ERROR|could not|failed/i.test(line));
    const lines = important.length > 0 ? important.slice(-3) : this.#lines.slice(-3);
    const fromError = error instanceof Error ? error.message : '';
    return [fromError, ...lines].filter(Boolean).join(' | ').replace(/\s+/g, ' ') || 'no output (exited early)';
  }
}
