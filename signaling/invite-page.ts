/**
 * Where invite links land (https://server/join#<call id>). The call ID stays in the
 * fragment, which browsers never send, so this page cannot know it and needs no
 * script: it only tells the visitor how to use the link.
 */
import type { RequestHandler } from 'express';

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PeerCall invite</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; }
</style>
</head>
<body>
<h1>You have been invited to a PeerCall</h1>
<ol>
<li>Install the PeerCall extension, if you have not yet.</li>
<li>Copy the full address of this page from the address bar (it ends with the call ID).</li>
<li>Click the PeerCall icon in your browser's toolbar, paste it under <b>Join a call</b> and press <b>Join</b>.</li>
</ol>
</body>
</html>
`;

export const invitePage: RequestHandler = (_req, res) => {
  res
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'public, max-age=3600',
    })
    .send(page);
};
