// Shows the failure note after a wrong token (the server redirects to ?failed=1).
'use strict';
if (new URLSearchParams(location.search).has('failed')) {
  document.getElementById('failed').hidden = false;
}
