import { Markdown } from 'markdown-to-jsx/react';
import type { ReactNode } from 'react';

const Paragraph = ({ children }: { children?: ReactNode }) => <p>{children}</p>;
const Strong = ({ children }: { children?: ReactNode }) => (
  <p>
    <strong>{children}</strong>
  </p>
);
const Image = ({ alt }: { alt?: string }) => <>{alt ?? ''}</>;

const OPTIONS = {
  disableParsingRawHTML: true,
  forceBlock: true,
  overrides: {
    h1: Strong,
    h2: Strong,
    h3: Strong,
    h4: Strong,
    h5: Strong,
    h6: Strong,
    img: Image,
    p: Paragraph,
  },
};

/** Loaded only when a text carries Markdown (see RichText). */
export default function MarkdownText({ text }: { text: string }) {
  return <Markdown options={OPTIONS}>{text}</Markdown>;
}
