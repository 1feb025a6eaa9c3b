//! The report's only style sheet and only script, as constants, and the Content-Security-Policy
//! that allows exactly that script by its SHA-256 hash. Nothing from the machine is ever put
//! in either, so the hash computed here is the hash of what the browser runs.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The style sheet: light and dark by `prefers-color-scheme`, a print style that shows every
/// row and drops the controls, and status colours that only repeat what text and shape say.
pub const STYLE: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#5c5c5c;--line:#d4d4d4;--head:#f2f2f2;
--fine:#1a7f37;--warning:#9a6700;--error:#cf222e;--info:#0969da;--mark:#fff3b0}
@media (prefers-color-scheme:dark){:root{--bg:#161616;--fg:#e6e6e6;--muted:#a0a0a0;--line:#3a3a3a;
--head:#222;--fine:#56d364;--warning:#e3b341;--error:#ff7b72;--info:#79c0ff;--mark:#5a4b00}}
body{background:var(--bg);color:var(--fg);font:14px/1.4 system-ui,sans-serif;margin:1.5em}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:1px solid var(--line)}
table{border-collapse:collapse;width:100%;margin:.4em 0}
th,td{border:1px solid var(--line);padding:.25em .45em;text-align:left;vertical-align:top;
overflow-wrap:anywhere;max-width:40em}
th{background:var(--head)}th[data-sortable]{cursor:pointer}th[aria-sort=ascending]::after{content:" \2191"}
th[aria-sort=descending]::after{content:" \2193"}
code,pre,.mono,.t,#findings td:nth-child(2),#bindings td:nth-child(3),#bindings td:nth-child(5),
#bindings td:nth-child(6),#mappings td:nth-child(2),#certificates td:nth-child(3),#reservations td:first-child,
#selection td:nth-child(n+3){font-family:ui-monospace,Consolas,monospace;font-size:.92em}.t{color:var(--muted)}
pre{margin:.2em 0;white-space:pre-wrap;overflow-wrap:anywhere}
.muted{color:var(--muted)}.hidden{display:none}
.s-fine,.s-in-use,.s-info{color:var(--fine)}.s-warning,.s-fallback{color:var(--warning)}
.s-error,.s-expired,.s-not-yet-valid{color:var(--error)}.s-idle,.s-reserved,.s-foreign{color:var(--muted)}
.found{color:var(--fine)}.missing{color:var(--muted)}
.cc{background:var(--mark);color:var(--fg);border-radius:2px;font-size:.8em;padding:0 .15em}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.15em 1em}dl.summary dt{font-weight:600}
#filter-box{position:sticky;top:0;background:var(--bg);padding:.4em 0}
#filter{font:inherit;padding:.25em .4em;width:24em;max-width:100%}
.copy{font:inherit;font-size:.85em;margin:.2em 0}
[class^=s-]{white-space:nowrap}summary{cursor:pointer}
@media print{#filter-box,.copy{display:none}.hidden{display:table-row}body{margin:0;font-size:10pt}
th,td{max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}
"#;

/// The script: sortable columns, one filter box (the `#filter=TEXT` fragment is applied on
/// load) and a copy button beside each fix. It reads the page and touches only classes and
/// attributes it owns; every table is complete and readable without it.
pub const SCRIPT: &str = r#"(function(){
var rows=[].slice.call(document.querySelectorAll('table.data tbody tr'));
var texts=null;
var box=document.getElementById('filter');
var count=document.getElementById('filter-count');
function apply(term){
term=term.trim().toLowerCase();
if(texts===null){texts=rows.map(function(r){return r.textContent.toLowerCase();});}
var shown=0;
for(var i=0;i<rows.length;i++){
var hide=term!==''&&texts[i].indexOf(term)<0;
if(rows[i].classList.contains('hidden')!==hide){rows[i].classList.toggle('hidden',hide);}
if(!hide){shown++;}
}
count.textContent=term===''?'':shown+' of '+rows.length+' rows';
}
function fromHash(){
var h=location.hash;
if(h.indexOf('#filter=')!==0){return;}
var term;
try{term=decodeURIComponent(h.slice(8).replace(/\+/g,' '));}catch(e){term=h.slice(8);}
box.value=term;apply(term);
}
var timer=null;
box.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(function(){apply(box.value);},60);});
window.addEventListener('hashchange',fromHash);
document.getElementById('filter-box').hidden=false;
function value(row,column){
var cell=row.cells[column];if(!cell){return '';}
var v=cell.getAttribute('data-v');return v===null?cell.textContent.trim().toLowerCase():v;
}
[].forEach.call(document.querySelectorAll('table.data'),function(table){
var heads=table.tHead?table.tHead.rows[0].cells:[];
[].forEach.call(heads,function(th,column){
th.setAttribute('data-sortable','');th.tabIndex=0;
function sort(){
var ascending=th.getAttribute('aria-sort')!=='ascending';
[].forEach.call(heads,function(other){other.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',ascending?'ascending':'descending');
var body=table.tBodies[0];var list=[].slice.call(body.rows);
var keyed=list.map(function(row,i){return [value(row,column),i,row];});
keyed.sort(function(a,b){
var x=a[0],y=b[0],nx=parseFloat(x),ny=parseFloat(y),c;
if(x!==''&&y!==''&&!isNaN(nx)&&!isNaN(ny)&&String(nx)===x&&String(ny)===y){c=nx-ny;}else{c=x<y?-1:x>y?1:0;}
return (ascending?c:-c)||a[1]-b[1];
});
var fragment=document.createDocumentFragment();
keyed.forEach(function(k){fragment.appendChild(k[2]);});
body.appendChild(fragment);
rows=[].slice.call(document.querySelectorAll('table.data tbody tr'));texts=null;
}
th.addEventListener('click',sort);
th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});
});
});
[].forEach.call(document.querySelectorAll('pre.fix'),function(pre){
if(!navigator.clipboard){return;}
var button=document.createElement('button');
button.type='button';button.className='copy';button.textContent='Copy';
button.addEventListener('click',function(){navigator.clipboard.writeText(pre.textContent);});
pre.parentNode.insertBefore(button,pre);
});
fromHash();
})();"#;

/// `sha256-…` of [`SCRIPT`], as a CSP source expression.
pub fn script_hash() -> String {
    let digest = Sha256::digest(SCRIPT.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// The page's Content-Security-Policy: nothing may load (`default-src 'none'`), the inline
/// style sheet applies, only [`SCRIPT`] runs (by hash: no `'unsafe-inline'` script, no eval),
/// images only from `data:`, and no `<base>` or form can point anywhere.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src '{}'; img-src data:; base-uri 'none'; \
         form-action 'none'",
        script_hash()
    )
}
