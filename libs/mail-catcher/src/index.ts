/**
 * The development mail catcher (SMTP in, a web page and a JSON API out): what `npm start` runs when no
 * SMTP_URL is set, and what tests and benches read mails from. Never part of a production process: its
 * packages (smtp-server, mailparser) are development dependencies.
 */
export * from './mail-catcher';
