// GOV.UK Frontend's "js-enabled" and "govuk-frontend-supported" classes, set before the page is drawn.
// A file rather than the inline script GOV.UK's template has, so that the Content-Security-Policy needs no
// 'unsafe-inline' or hash (loaded without defer from the top of <body>, as that script would run).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
