// Site-wide behaviour shared by every page (no inline scripts: a strict CSP applies).
"use strict";
