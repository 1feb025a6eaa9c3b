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
table{border-collapse:collapse;width:100%;margin:.4em 0;table-layout:fixed}
th,td{border:1px solid var(--line);padding:.25em .45em;text-align:left;vertical-align:top;
overflow-wrap:anywhere;max-width:40em}
th{background:var(--head)}#findings th:first-child,#bindings th:nth-child(2),#bindings th:nth-child(4),
#mappings th:first-child,#selection th:first-child{width:6.5em}#findings th:nth-child(5){width:34%}
#findings th:nth-child(6){width:26%}#certificates th:nth-child(3){width:22em}th[data-sortable]{cursor:pointer}th[aria-sort=ascending]::after{content:" \2191"}
th[aria-sort=descending]::after{content:" \2193"}
code,pre,.mono,.t,#findings td:nth-child(2),#bindings td:nth-child(3),#bindings td:nth-child(5),
#bindings td:nth-child(6),#mappings td:nth-child(2),#certificates td:nth-child(3),#reservations td:first-child,
#selection td:nth-child(n+3){font-family:ui-monospace,Consolas,monospace;font-size:.92em}.t{color:var(--muted)}
pre{margin:.2em 0;white-space:pre-wrap;overflow-wrap:anywhere}
.muted{color:var(--muted)}.more-rows{font:inherit;margin:.2em 0 .6em}
.s-fine,.s-in-use,.s-info{color:var(--fine)}.s-warning,.s-fallback{color:var(--warning)}
.s-error,.s-expired,.s-not-yet-valid{color:var(--error)}.s-idle,.s-reserved,.s-foreign{color:var(--muted)}
.found{color:var(--fine)}.missing{color:var(--muted)}
.cc{background:var(--mark);color:var(--fg);border-radius:2px;font-size:.8em;padding:0 .15em}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.15em 1em}dl.summary dt{font-weight:600}
#filter-box{position:sticky;top:0;background:var(--bg);padding:.4em 0}
#filter{font:inherit;padding:.25em .4em;width:24em;max-width:100%}
.copy{font:inherit;font-size:.85em;margin:.2em 0}
[class^=s-]{white-space:nowrap}summary{cursor:pointer}
@media print{#filter-box,.copy,.more-rows{display:none}body{margin:0;font-size:10pt}
th,td{max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}
"#;

/// The script: sortable columns, one filter box (the `#filter=TEXT` fragment is applied on
/// load) and a copy button beside each fix. It reads the page and touches only classes and
/// attributes it owns; every table is complete and readable without it. A browser takes
/// seconds to restyle and lay out tens of thousands of rows, so the script keeps each table's
/// rows in a list and puts only the first 50 that match in the table, with a button that
/// shows them all (and all of them before printing): a filter then costs a string search and
/// the layout of at most 50 rows a table, on a 20,000-site machine too. The rows' text is
/// read once, soon after the page loads, so that the first search does not wait for it.
pub const SCRIPT: &str = r#"(function(){
var LIMIT=50;
var box=document.getElementById('filter');
var count=document.getElementById('filter-count');
var term='';
var tables=[].slice.call(document.querySelectorAll('table.data')).map(function(table){
var body=table.tBodies[0];
var state={table:table,body:body,rows:body?[].slice.call(body.rows):[],texts:null,limit:LIMIT,
button:document.createElement('button')};
state.button.type='button';state.button.className='more-rows';state.button.hidden=true;
state.button.addEventListener('click',function(){state.limit=Infinity;apply();});
table.parentNode.insertBefore(state.button,table.nextSibling);
return state;
});
function readTexts(state){if(state.texts===null){state.texts=state.rows.map(function(row){return row.textContent.toLowerCase();});}}
function apply(){
var total=0,matching=0;
tables.forEach(function(state){
if(!state.body){return;}
if(term!==''){readTexts(state);}
var fragment=document.createDocumentFragment();
var n=0;
for(var i=0;i<state.rows.length;i++){
if(term===''||state.texts[i].indexOf(term)>=0){
if(n<state.limit){fragment.appendChild(state.rows[i]);}
n++;
}
}
state.body.textContent='';
state.body.appendChild(fragment);
total+=state.rows.length;matching+=n;
state.button.hidden=n<=state.limit;
state.button.textContent='Show all '+n+' rows (the first '+Math.min(n,state.limit)+' are shown)';
});
count.textContent=term===''?'':matching+' of '+total+' rows match';
}
function setTerm(value){term=value.trim().toLowerCase();tables.forEach(function(state){state.limit=LIMIT;});apply();}
function fromHash(){
var h=location.hash;
if(h.indexOf('#filter=')!==0){return;}
var value;
try{value=decodeURIComponent(h.slice(8).replace(/\+/g,' '));}catch(e){value=h.slice(8);}
box.value=value;setTerm(value);
}
var timer=null;
box.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(function(){setTerm(box.value);},80);});
window.addEventListener('hashchange',fromHash);
window.addEventListener('beforeprint',function(){tables.forEach(function(state){state.limit=Infinity;});apply();});
document.getElementById('filter-box').hidden=false;
function value(row,column){
var cell=row.cells[column];if(!cell){return '';}
var v=cell.getAttribute('data-v');return v===null?cell.textContent.trim().toLowerCase():v;
}
tables.forEach(function(state){
var table=state.table;
var heads=table.tHead?table.tHead.rows[0].cells:[];
[].forEach.call(heads,function(th,column){
th.setAttribute('data-sortable','');th.tabIndex=0;
function sort(){
var ascending=th.getAttribute('aria-sort')!=='ascending';
[].forEach.call(heads,function(other){other.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',ascending?'ascending':'descending');
var keyed=state.rows.map(function(row,i){return [value(row,column),i,row,state.texts?state.texts[i]:null];});
keyed.sort(function(a,b){
var x=a[0],y=b[0],nx=parseFloat(x),ny=parseFloat(y),c;
if(x!==''&&y!==''&&!isNaN(nx)&&!isNaN(ny)&&String(nx)===x&&String(ny)===y){c=nx-ny;}else{c=x<y?-1:x>y?1:0;}
return (ascending?c:-c)||a[1]-b[1];
});
state.rows=keyed.map(function(k){return k[2];});
if(state.texts!==null){state.texts=keyed.map(function(k){return k[3];});}
apply();
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
if(location.hash.indexOf('#filter=')===0){fromHash();}else{apply();}
setTimeout(function(){tables.forEach(readTexts);},50);
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
