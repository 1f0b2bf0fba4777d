// Frequent French and English content words, written out by hand so the generated
// test model's vocabulary is reproducible and owes nothing to any corpus. Function
// words come from stopwords-iso (see vocab.ts); accents are stripped there too.

const FRENCH = `
abandon accord accorder accuse accusation achat acheter acteur action actionnaire activite actualite
adresse affaire affirmer afrique age agence agent agir agriculture aide aider aller alliance allemagne
allemand ambition ameliorer amerique americain ami analyse analyste ancien annee annonce annoncer
annuel appel appeler application apprendre argent armee article artiste asie assemblee association
assurance attaque attendre attente audience augmenter augmentation auteur autorite avance avantage avenir
avion avocat avoir baisse baisser banque banquier base bataille batiment besoin bien bilan blesse bonne
bourse budget bureau but cabinet cadre calcul campagne canada candidat capacite capital capitale carbone
carriere cas catastrophe cause centaine central centre cerveau chaine chambre champion chance changement
changer chef chemin cher chercheur chiffre chine chinois choix chose chute ciel citoyen civil classe
client climat climatique code collectif colere combat commande commencer commerce commercial commission
communaute commune compagnie comparer competition complet comprendre compte concurrence concurrent
condamne condition conduire conference confiance conflit congres connaitre conseil conseiller consommateur
consommation construction construire contenu contrat controle convention cour courant cours court
cout couter creation creer crise critique croissance croire culture culturel debat decembre decision
declaration declarer defense deficit demande demander democratie depart departement depense depenser
depot depute dernier developpement developper devenir devoir difficile difficulte diffusion digital
dirigeant diriger discours discussion disparu dispositif dizaine document dollar dollars domaine donner
donnee donnees dossier droit durable duree eau economie economique ecole ecrire edition effet effort
election electrique electricite eleve elu emission emploi employe energie enfant engagement enquete
ensemble entendre entreprise entree environnement equipe erreur espace espagne espoir essai etat etranger
etude europe europeen evenement exemple exercice experience expert explication expliquer exploitation
exportation exposition face facteur faible faillite faire famille fevrier fille film fin financement
financer financier fixer fois fonction fonctionnaire fond fondateur fonds force forme former fort
fournir fournisseur france francais frontiere gagner garantir gaz general generation gens geant gestion
gouvernement grand grande grave greve groupe guerre habitant hausse haut histoire homme hopital
hors humain idee image immigration impact important importer impot incendie independant industrie
industriel inflation information infrastructure initiative innovation inquietude installation
institution intelligence interdire interet interieur international internet intervention inviter
investir investissement investisseur italie jamais janvier japon japonais jeu jeune jeux joueur jour
journal journaliste journee juge juger juillet juin justice laboratoire lancement lancer langue lecteur
lecture leader legislation lettre liberte libre lien lieu ligne limite liste livre local logement loi
londres long lutte lutter machine main maintenir maire maison majorite maladie manifestation marche
marque mars matiere matin medecin media mesure methode metier metre milieu militaire milliard
milliards million millions ministere ministre minute mission modele moins mois moment monde mondial
monnaie montant mort moteur mouvement moyen musique nation national nature nouveau nouvelle nuit
numerique objectif obtenir octobre offre ordre organisation origine ouvrir ouvrier paix papier pari
paris parlement parler part parti participer partie partenaire partenariat passer patient patron pays
peine pendant pensee penser perdre periode personne perte petit peuple peur phase photo physique pied
place plainte plan planete plateforme police politique population port porter poste pouvoir pratique
premier presenter president presidentielle presse pression preuve prevoir prix probleme proces
production produire produit professeur profit programme progres projet promesse promettre promis
proposer proposition protection protester province public publier puissance qualite question raison
rapport recherche recette reconnaitre record reduire reforme refus region regle relation rendre
reponse repondre reseau reserve resoudre responsable resultat retour retraite reunion reussir revenu
revolution richesse risque robot role rue russe russie saison salaire salarie sante scandale science
scientifique seance secret secteur securite semaine senat service siecle signer situation social
societe soir soldat soleil solution somme sommet sondage sortie souhaiter soutenir soutien spectacle
sport stade strategie structure succes suisse syndicat systeme table taux technique technologie
telephone television temps terme terrain territoire terre test texte theatre titre total tourisme
trafic train traitement transport travail travailler tribunal trimestre trouver union unite universite
usine utiliser vaccin vague valeur vente vendre verite victime victoire vie ville violence virus visite
voiture voix vol volonte vote voter zone
accordait acheve actuel actuelle affirme agissait ajoute annonce annoncee annonces apparu assure
atteint avait avaient baisse cree creee decide decla devait devient dirige doit dit elles estime etait
etaient explique fait faite lance mene montre obtenu ouvert parle passe permis pourrait precise prevu
prise propose rappele realise recu reste selon signe souligne soutenu termine veut voulait
investi investira investissements investisseurs investit milliardaire fondateurs entreprises
technologies intelligences artificielle artificiel donnees serveurs puces semi conducteurs processeur
logiciel logiciels ordinateur ordinateurs calculs modeles algorithme algorithmes numeriques reseaux
startup startups capitaux fonds financements valorisation bourses actions marches prix hausses
emplois salaries usines centres etats unis americaine americains europeenne europeens chinoise
japonaise britannique allemande francaise russes ukraine ukrainien israel palestinien iran inde
bresil mexique afrique africain arabe saoudite emirats golfe pekin washington tokyo bruxelles berlin
moscou kiev new york californie texas silicon valley maison blanche elysee matignon
annees mois jours semaines heures minutes pourcent pourcentage euros euro livres yens yuans
premiere deuxieme troisieme derniere prochaine prochain nouveaux nouvelles grands grandes petits
petites plusieurs certains certaines nombreux nombreuses principaux principal principale important
importante importants importantes selon contre depuis pendant lors entre apres avant environ
`;

const ENGLISH = `
ability access account act action activity actually add address administration admit adult affect
agency agent agree agreement ahead air allow almost america american analysis analyst announce
announced answer appear apply approach area argue arm army around arrive art article artist attack
attention author authority available avoid away baby bad bank base beat beautiful become bed begin
behavior believe benefit best better big bill billion billions black blood board body book born
borrow boss box boy brain break bring brother budget build building business buy call campaign
cancer candidate capital car card care career carry case catch cause center central century chair
challenge chance change charge check child children china chinese choice choose church citizen city
civil claim class clear climate close coach cold collection college color come commercial common
community company compare computer concern condition conference congress consider consumer contain
continue control cost could country county couple course court cover create crime cultural culture
cup current customer cut dark data daughter day dead deal death debate decade decide decision deep
defense degree democrat democratic describe design despite detail determine develop development die
difference different difficult dinner direction director discover discuss discussion disease doctor
dog dollar dollars door draw dream drive drop drug during early earn east easy economic economy edge
education effect effort eight election employee end energy enjoy enter entire environment
environmental especially establish europe european evening event evidence exactly examine example
executive exist expect experience expert explain eye face fact factor fail fall family far fast father
fear federal feel feeling field fight figure fill film final finally financial find fine finger
finish fire firm fish five floor fly focus follow food foot force foreign forget form former forward
four free friend front full fund funding future game garden gas general generation get girl give
glass goal good government great green ground group grow growth guess gun guy hair half hand hang
happen happy hard head health hear heart heat heavy help high history hit hold home hope hospital
hot hotel hour house huge human hundred husband idea identify image imagine impact important improve
include including increase indeed indicate individual industry information inside instead
institution intelligence interest interesting international interview invest investment investor
involve issue item japan japanese job join just keep kid kill kind kitchen know knowledge land
language large last late later laugh law lawyer lead leader learn least leave left leg legal less
letter level lie life light like likely line list listen little live local long look lose loss lot
love low machine magazine main maintain major majority make man manage management manager many
market marriage material matter may maybe mean measure media medical meet meeting member memory
mention message method middle might military million millions mind minute miss mission model modern
moment money month morning mother mouth move movement movie much music must name nation national
natural nature near nearly necessary need network never new news newspaper next nice night none
north note nothing notice now number occur offer office officer official often oil old once one
only open operation opportunity option order organization other others outside own owner page pain
painting paper parent part participant particular particularly partner party pass past patient
pattern pay peace people per perform performance perhaps period person personal phone physical pick
picture piece place plan plant play player point police policy political politics poor popular
population position positive possible power practice prepare present president pressure pretty
prevent price private probably problem process produce product production professional professor
program project promise property protect prove provide public pull purpose push put quality question
quickly quite race radio raise range rate rather reach read ready real reality realize really reason
receive recent recently recognize record red reduce reflect region relate relationship religious
remain remember remove report represent republican require research resource respond response
responsibility rest result return reveal rich right rise risk road rock role room rule run safe
same save say scene school science scientist score sea season seat second section security see seek
seem sell send senior sense series serious serve service set seven several sex shake share shoot
short shot should shoulder show side sign significant similar simple simply since sing single sister
sit site situation six size skill skin small smile social society soldier some somebody someone
something sometimes son song soon sort sound source south southern space speak special specific
speech spend sport spring staff stage stand standard star start state statement station stay step
still stock stop store story strategy street strong structure student study stuff style subject
success successful such suddenly suffer suggest summer support sure surface system table take talk
task tax teach teacher team technology television tell ten tend term test than thank theory thing
think third thousand threat three through throughout throw thus time today together tonight too top
total tough toward town trade traditional training travel treat treatment tree trial trip trouble
true truth try turn two type under understand union unit united university until upon use usually
value various very victim view violence visit voice vote wait walk wall want war watch water way
weapon wear week weight well west western whatever while white whole wide wife will win wind window
wish with within without woman women wonder word work worker world worry would write writer wrong
yard yeah year yes yet young youth
invested investing investments investors promised billionaire founder founders companies technologies
artificial chips semiconductor semiconductors processor software computers computing algorithm
algorithms digital startups valuation shares markets prices jobs workers factories states europeans
ukraine israel iran india brazil mexico africa arab saudi emirates gulf beijing washington tokyo
brussels london paris berlin moscow white house percent euros years months days weeks hours
`;

function words(block: string): string[] {
  return block.split(/\s+/).filter((w) => w.length > 0);
}

export const FRENCH_WORDS: readonly string[] = words(FRENCH);
export const ENGLISH_WORDS: readonly string[] = words(ENGLISH);
