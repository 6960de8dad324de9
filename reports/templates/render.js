/* render.js - the one script of a woven report (litgan weave), run after
 * KaTeX: typesets every math element the writeup holds (class "math"; "math
 * display" for $$...$$) and checks the figures. Whatever went wrong is written
 * into the page, so that a reader sees it and a test can read it back from the
 * DOM (chromium --dump-dom): a section with id lg-render, its attribute
 * data-errors the number of problems, holding a list item of class
 * lg-render-error per problem (data-kind katex or figure); its attribute
 * data-done is set last, once the page has loaded (figures included). */
(function () {
  'use strict';
  var problems = [];
  var math = document.querySelectorAll('.math');
  for (var i = 0; i < math.length; i++) {
    var el = math[i];
    var tex = el.textContent;
    if (typeof katex === 'undefined') {
      problems.push(['katex', 'KaTeX did not load: ' + tex]);
      continue;
    }
    try {
      katex.render(tex, el, {
        displayMode: el.classList.contains('display'),
        throwOnError: false,
        output: 'htmlAndMathml'
      });
      /* throwOnError false: a parse error shows the source in red, with the
       * message in its title */
      var bad = el.querySelectorAll('.katex-error');
      for (var k = 0; k < bad.length; k++)
        problems.push(['katex', (bad[k].getAttribute('title') || 'KaTeX error') + ' in: ' + tex]);
    } catch (e) {
      problems.push(['katex', String(e) + ' in: ' + tex]);
    }
  }
  function report() {
    var imgs = document.images;
    for (var i = 0; i < imgs.length; i++)
      if (!imgs[i].complete || imgs[i].naturalWidth === 0)
        problems.push(['figure', 'figure not shown: ' + (imgs[i].alt || imgs[i].src.slice(0, 60))]);
    var box = document.createElement('section');
    box.id = 'lg-render';
    box.setAttribute('data-errors', String(problems.length));
    if (problems.length) {
      var h = document.createElement('p');
      h.className = 'missing';
      h.textContent = 'This page did not render completely:';
      box.appendChild(h);
      var ul = document.createElement('ul');
      for (var j = 0; j < problems.length; j++) {
        var li = document.createElement('li');
        li.className = 'lg-render-error';
        li.setAttribute('data-kind', problems[j][0]);
        li.textContent = problems[j][1];
        ul.appendChild(li);
      }
      box.appendChild(ul);
    } else {
      box.hidden = true;
    }
    var main = document.querySelector('main') || document.body;
    main.insertBefore(box, main.firstChild);
    box.setAttribute('data-done', '1');
  }
  if (document.readyState === 'complete')
    report();
  else
    window.addEventListener('load', report);
})();
