// Casework: start GOV.UK Frontend and MOJ Frontend components.
//
// Loaded from templates/base.html as <script type="module">. `npm run build`
// copies it to var/build/casework.js, served at /static/build/casework.js, so
// these relative imports resolve to /static/govuk/... and /static/moj/...
// Both packages ship their minified bundles as ES modules.
import { initAll as initGovukFrontend } from '../govuk/govuk-frontend.min.js'
import { initAll as initMojFrontend } from '../moj/moj-frontend.min.js'

function initComponents (scope) {
  initGovukFrontend(scope)
  initMojFrontend(scope)
}

// Whole page, once. Module scripts run after the document has been parsed.
initComponents(document)

// Content that htmx swaps in later: start only the components inside it, so
// components already on the page are not started twice.
document.addEventListener('htmx:load', (event) => {
  const element = event.detail && event.detail.elt
  if (element instanceof Element && element !== document.body) {
    initComponents(element)
  }
})

// The case's sections (cases/workspace.py): after htmx swaps a section in, move
// focus to its heading, so that keyboard and screen reader users start there as
// they would on the section's own page.
document.addEventListener('htmx:afterSwap', (event) => {
  const target = event.detail && event.detail.target
  if (target instanceof Element && target.id === 'case-section') {
    const heading = target.querySelector('#case-section-heading')
    if (heading) {
      heading.focus()
    }
  }
})
